# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/mobility_step.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

class Ui_MobilityStep(object):
    def setupUi(self, MobilityStep):
        if not MobilityStep.objectName():
            MobilityStep.setObjectName(u"MobilityStep")
        self.mobility_layout = QVBoxLayout(MobilityStep)
        self.mobility_layout.setObjectName(u"mobility_layout")
        self.mobility_intro_label = QLabel(MobilityStep)
        self.mobility_intro_label.setObjectName(u"mobility_intro_label")
        self.mobility_intro_label.setWordWrap(True)

        self.mobility_layout.addWidget(self.mobility_intro_label)

        self.mobility_form = QFormLayout()
        self.mobility_form.setObjectName(u"mobility_form")
        self.rolls_label = QLabel(MobilityStep)
        self.rolls_label.setObjectName(u"rolls_label")

        self.mobility_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.rolls_label)

        self.rolls_combo = QComboBox(MobilityStep)
        self.rolls_combo.addItem("")
        self.rolls_combo.addItem("")
        self.rolls_combo.addItem("")
        self.rolls_combo.setObjectName(u"rolls_combo")

        self.mobility_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.rolls_combo)

        self.sits_label = QLabel(MobilityStep)
        self.sits_label.setObjectName(u"sits_label")

        self.mobility_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.sits_label)

        self.sits_combo = QComboBox(MobilityStep)
        self.sits_combo.addItem("")
        self.sits_combo.addItem("")
        self.sits_combo.addItem("")
        self.sits_combo.setObjectName(u"sits_combo")

        self.mobility_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.sits_combo)

        self.crawls_label = QLabel(MobilityStep)
        self.crawls_label.setObjectName(u"crawls_label")

        self.mobility_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.crawls_label)

        self.crawls_combo = QComboBox(MobilityStep)
        self.crawls_combo.addItem("")
        self.crawls_combo.addItem("")
        self.crawls_combo.addItem("")
        self.crawls_combo.setObjectName(u"crawls_combo")

        self.mobility_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.crawls_combo)

        self.bottom_shuffles_label = QLabel(MobilityStep)
        self.bottom_shuffles_label.setObjectName(u"bottom_shuffles_label")

        self.mobility_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.bottom_shuffles_label)

        self.bottom_shuffles_combo = QComboBox(MobilityStep)
        self.bottom_shuffles_combo.addItem("")
        self.bottom_shuffles_combo.addItem("")
        self.bottom_shuffles_combo.addItem("")
        self.bottom_shuffles_combo.setObjectName(u"bottom_shuffles_combo")

        self.mobility_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.bottom_shuffles_combo)

        self.pulls_to_stand_label = QLabel(MobilityStep)
        self.pulls_to_stand_label.setObjectName(u"pulls_to_stand_label")

        self.mobility_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.pulls_to_stand_label)

        self.pulls_to_stand_combo = QComboBox(MobilityStep)
        self.pulls_to_stand_combo.addItem("")
        self.pulls_to_stand_combo.addItem("")
        self.pulls_to_stand_combo.addItem("")
        self.pulls_to_stand_combo.setObjectName(u"pulls_to_stand_combo")

        self.mobility_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.pulls_to_stand_combo)

        self.cruises_label = QLabel(MobilityStep)
        self.cruises_label.setObjectName(u"cruises_label")

        self.mobility_form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.cruises_label)

        self.cruises_combo = QComboBox(MobilityStep)
        self.cruises_combo.addItem("")
        self.cruises_combo.addItem("")
        self.cruises_combo.addItem("")
        self.cruises_combo.setObjectName(u"cruises_combo")

        self.mobility_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.cruises_combo)

        self.walks_label = QLabel(MobilityStep)
        self.walks_label.setObjectName(u"walks_label")

        self.mobility_form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.walks_label)

        self.walks_combo = QComboBox(MobilityStep)
        self.walks_combo.addItem("")
        self.walks_combo.addItem("")
        self.walks_combo.addItem("")
        self.walks_combo.setObjectName(u"walks_combo")

        self.mobility_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.walks_combo)

        self.not_mobile_due_to_disability_label = QLabel(MobilityStep)
        self.not_mobile_due_to_disability_label.setObjectName(u"not_mobile_due_to_disability_label")

        self.mobility_form.setWidget(7, QFormLayout.ItemRole.LabelRole, self.not_mobile_due_to_disability_label)

        self.not_mobile_due_to_disability_combo = QComboBox(MobilityStep)
        self.not_mobile_due_to_disability_combo.addItem("")
        self.not_mobile_due_to_disability_combo.addItem("")
        self.not_mobile_due_to_disability_combo.addItem("")
        self.not_mobile_due_to_disability_combo.setObjectName(u"not_mobile_due_to_disability_combo")

        self.mobility_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.not_mobile_due_to_disability_combo)


        self.mobility_layout.addLayout(self.mobility_form)

        self.nim_frame = QFrame(MobilityStep)
        self.nim_frame.setObjectName(u"nim_frame")
        self.nim_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.nim_layout = QVBoxLayout(self.nim_frame)
        self.nim_layout.setObjectName(u"nim_layout")
        self.nim_result_label = QLabel(self.nim_frame)
        self.nim_result_label.setObjectName(u"nim_result_label")
        self.nim_result_label.setWordWrap(True)

        self.nim_layout.addWidget(self.nim_result_label)

        self.nim_reasons_label = QLabel(self.nim_frame)
        self.nim_reasons_label.setObjectName(u"nim_reasons_label")
        self.nim_reasons_label.setWordWrap(True)

        self.nim_layout.addWidget(self.nim_reasons_label)


        self.mobility_layout.addWidget(self.nim_frame)

        self.mobility_layout_spacer_4 = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mobility_layout.addItem(self.mobility_layout_spacer_4)

#if QT_CONFIG(shortcut)
        self.rolls_label.setBuddy(self.rolls_combo)
        self.sits_label.setBuddy(self.sits_combo)
        self.crawls_label.setBuddy(self.crawls_combo)
        self.bottom_shuffles_label.setBuddy(self.bottom_shuffles_combo)
        self.pulls_to_stand_label.setBuddy(self.pulls_to_stand_combo)
        self.cruises_label.setBuddy(self.cruises_combo)
        self.walks_label.setBuddy(self.walks_combo)
        self.not_mobile_due_to_disability_label.setBuddy(self.not_mobile_due_to_disability_combo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.rolls_combo, self.sits_combo)
        QWidget.setTabOrder(self.sits_combo, self.crawls_combo)
        QWidget.setTabOrder(self.crawls_combo, self.bottom_shuffles_combo)
        QWidget.setTabOrder(self.bottom_shuffles_combo, self.pulls_to_stand_combo)
        QWidget.setTabOrder(self.pulls_to_stand_combo, self.cruises_combo)
        QWidget.setTabOrder(self.cruises_combo, self.walks_combo)
        QWidget.setTabOrder(self.walks_combo, self.not_mobile_due_to_disability_combo)

        self.retranslateUi(MobilityStep)
    # setupUi

    def retranslateUi(self, MobilityStep):
        MobilityStep.setWindowTitle(QCoreApplication.translate("MobilityStep", u"Mobility", None))
        self.mobility_intro_label.setText(QCoreApplication.translate("MobilityStep", u"Ask the carer what the baby can do now. Leave Not known if unsure: the protocol then treats the baby as not independently mobile.", None))
#if QT_CONFIG(accessibility)
        self.mobility_intro_label.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Mobility instructions", None))
#endif // QT_CONFIG(accessibility)
        self.rolls_label.setText(QCoreApplication.translate("MobilityStep", u"Rolls over", None))
        self.rolls_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.rolls_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.rolls_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.rolls_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Rolls over", None))
#endif // QT_CONFIG(accessibility)
        self.sits_label.setText(QCoreApplication.translate("MobilityStep", u"Sits without support", None))
        self.sits_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.sits_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.sits_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.sits_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Sits without support", None))
#endif // QT_CONFIG(accessibility)
        self.crawls_label.setText(QCoreApplication.translate("MobilityStep", u"Crawls", None))
        self.crawls_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.crawls_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.crawls_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.crawls_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Crawls", None))
#endif // QT_CONFIG(accessibility)
        self.bottom_shuffles_label.setText(QCoreApplication.translate("MobilityStep", u"Bottom-shuffles", None))
        self.bottom_shuffles_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.bottom_shuffles_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.bottom_shuffles_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.bottom_shuffles_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Bottom-shuffles", None))
#endif // QT_CONFIG(accessibility)
        self.pulls_to_stand_label.setText(QCoreApplication.translate("MobilityStep", u"Pulls to stand", None))
        self.pulls_to_stand_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.pulls_to_stand_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.pulls_to_stand_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.pulls_to_stand_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Pulls to stand", None))
#endif // QT_CONFIG(accessibility)
        self.cruises_label.setText(QCoreApplication.translate("MobilityStep", u"Cruises (walks holding on to furniture)", None))
        self.cruises_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.cruises_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.cruises_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.cruises_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Cruises (walks holding on to furniture)", None))
#endif // QT_CONFIG(accessibility)
        self.walks_label.setText(QCoreApplication.translate("MobilityStep", u"Walks", None))
        self.walks_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.walks_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.walks_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.walks_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Walks", None))
#endif // QT_CONFIG(accessibility)
        self.not_mobile_due_to_disability_label.setText(QCoreApplication.translate("MobilityStep", u"Not mobile because of a disability", None))
        self.not_mobile_due_to_disability_combo.setItemText(0, QCoreApplication.translate("MobilityStep", u"Not known", None))
        self.not_mobile_due_to_disability_combo.setItemText(1, QCoreApplication.translate("MobilityStep", u"Yes", None))
        self.not_mobile_due_to_disability_combo.setItemText(2, QCoreApplication.translate("MobilityStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.not_mobile_due_to_disability_combo.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Not mobile because of a disability", None))
#endif // QT_CONFIG(accessibility)
        self.nim_result_label.setText("")
#if QT_CONFIG(accessibility)
        self.nim_result_label.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Mobility decision", None))
#endif // QT_CONFIG(accessibility)
        self.nim_reasons_label.setText("")
#if QT_CONFIG(accessibility)
        self.nim_reasons_label.setAccessibleName(QCoreApplication.translate("MobilityStep", u"Mobility decision reasons", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

